import express from 'express';
import { defineRoute, noContent } from '../../http/route';
import { AppError } from '../../shared/errors';
import { z } from '../../shared/zod';
import { assertTwilioSignature, handleInboundSms, twilioWebhookToken } from './sms-opt-out';

/** What Twilio POSTs for an inbound SMS (form-encoded); every other parameter is kept for the signature. */
const InboundSms = z
  .looseObject({
    From: z.string().min(1),
    Body: z.string().optional(),
    /** Set by Twilio's Advanced Opt-Out when it recognised a keyword: STOP, START or HELP. */
    OptOutType: z.string().optional(),
  })
  .openapi('TwilioInboundSms');

const PATH = '/v1/webhooks/twilio';

export const smsWebhookRoutes = [
  defineRoute(
    {
      method: 'post',
      path: PATH,
      summary: 'Twilio inbound SMS webhook (signed): STOP opts the phone out of every Biddt text, START opts it back in',
      tags: ['webhooks'],
      auth: 'none',
      body: InboundSms,
      bodyContentType: 'application/x-www-form-urlencoded',
      before: () => [express.urlencoded({ extended: false, limit: '64kb' })],
      responses: {
        204: { description: 'Received (Twilio sends its own opt-out confirmation; nothing to reply)' },
        403: { description: 'invalid_signature: nothing was done' },
      },
    },
    async (deps, { body, headers }) => {
      const token = twilioWebhookToken(deps.config);
      if (!token) throw new AppError('unavailable', 'sms_webhook_unavailable', 'Twilio is not configured on this server.');
      const signature = headers['x-twilio-signature'];
      // Twilio signs the public URL it was given, which the API knows as PUBLIC_BASE_URL + path (one
      // slash between them, however PUBLIC_BASE_URL was written).
      const url = `${deps.config.publicBaseUrl.replace(/\/+$/, '')}${PATH}`;
      assertTwilioSignature(token, typeof signature === 'string' ? signature : undefined, url, body);
      await handleInboundSms(deps.db, body.From, body.Body ?? '', body.OptOutType);
      return noContent();
    },
  ),
];
