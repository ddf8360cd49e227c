import type { LocaleTemplates } from './types';

// French typography: guillemets with no-break spaces inside, a no-break space before « : » and « ! ».
const NBSP = '\u00a0';
const q = (title: string) => `«${NBSP}${title}${NBSP}»`;
const colon = `${NBSP}:`;

/** French (Canada): Quebec's Charter of the French Language requires it. */
export const fr: LocaleTemplates = {
  texts: {
    outbid: (p, f) => ({
      title: 'Votre mise a été dépassée',
      body: `Quelqu’un a surenchéri sur ${q(p.listingTitle)}. Prix actuel${colon} ${f.price(p.currentPriceCents)}.`,
    }),
    now_leading: (p, f) => ({
      title: 'Vous êtes le meilleur enchérisseur',
      body: `Un enchérisseur a retiré ses mises sur ${q(p.listingTitle)}${NBSP}: vous menez maintenant à ${f.price(p.currentPriceCents)}.`,
    }),
    bids_retracted: (p, f) => ({
      title: 'Vos mises ont été retirées',
      body: p.hasNewLeader
        ? `Vos mises sur ${q(p.listingTitle)} ont été retirées${NBSP}; un autre enchérisseur mène à ${f.price(p.currentPriceCents)}.`
        : `Vos mises sur ${q(p.listingTitle)} ont été retirées${NBSP}; il ne reste aucune mise.`,
    }),
    won: (p, f) => ({
      title: `Vous avez gagné${NBSP}!`,
      body: `Vous avez remporté ${q(p.listingTitle)} pour ${f.price(p.priceCents)}. Payez d’ici ${f.duration(p.paymentDeadlineSec)}.`,
    }),
    sold: (p, f) => ({ title: `Vendu${NBSP}!`, body: `${q(p.listingTitle)} a été vendu pour ${f.price(p.priceCents)}.` }),
    unsold: (p) => ({ title: 'Votre enchère s’est terminée sans vente', body: `${q(p.listingTitle)} s’est terminé sans mise gagnante.` }),
    lost: (p, f) => ({ title: 'Enchère terminée', body: `${q(p.listingTitle)} a été vendu à un autre enchérisseur pour ${f.price(p.priceCents)}.` }),
    lost_no_sale: (p) => ({ title: 'Enchère terminée', body: `${q(p.listingTitle)} s’est terminé sans vente.` }),
    ending_soon: (p) => ({ title: 'Fin imminente', body: `${q(p.listingTitle)} se termine dans ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.` }),
    payment_due: (p, f) => ({
      title: 'Paiement bientôt dû',
      body: `Payez votre achat (${f.price(p.amountCents)}) avant le ${f.dateTime(p.paymentDueAt)}, sinon il sera annulé.`,
    }),
    payment_received_seller: (p, f) => ({
      title: 'Paiement reçu',
      body: `L’acheteur a versé ${f.price(p.amountCents)} en séquestre. Rencontrez-le dans une zone sécurisée et balayez son code QR pour être payé.`,
    }),
    payment_received_buyer: (p, f) => ({
      title: 'Paiement confirmé',
      body: `Vos ${f.price(p.amountCents)} sont retenus en séquestre jusqu’à ce que vous récupériez l’article.`,
    }),
    purchase_cancelled: () => ({
      title: 'Achat annulé',
      body: `Vous n’avez pas payé dans le délai${colon} l’achat a été annulé et un avertissement de non-paiement a été ajouté à votre compte.`,
    }),
    buyer_did_not_pay: () => ({
      title: 'L’acheteur n’a pas payé',
      body: 'L’acheteur a manqué le délai de paiement, la vente a donc été annulée. Vous pouvez remettre l’article en vente.',
    }),
    escrow_released: (p, f) => ({ title: 'Vous avez été payé', body: `${f.price(p.payoutCents)} est en route vers votre portefeuille.` }),
    wallet_needed: (p, f) => ({
      title: 'Configurez votre portefeuille pour être payé',
      body: `Votre versement de ${f.price(p.payoutCents)} est prêt. Configurez votre portefeuille Biddt (Stripe) et il partira aussitôt.`,
    }),
    refund_issued: (p, f) => ({
      title: 'Remboursement effectué',
      body: `${f.price(p.amountCents)} ${p.full ? 'vous ont été entièrement remboursés' : 'vous ont été remboursés'} sur votre carte. Votre banque peut prendre de 5 à 10 jours pour l’afficher.`,
    }),
    extra_payment_refunded: (p, f) => ({
      title: 'Paiement en trop remboursé',
      body: `Un second paiement de ${f.price(p.amountCents)} a été débité pour un achat déjà payé ou qui ne pouvait plus l’être. Il vous a été entièrement remboursé sur votre carte. Votre banque peut prendre de 5 à 10 jours pour l’afficher.`,
    }),
    dispute_opened: () => ({ title: 'Un litige a été ouvert', body: 'Le paiement est suspendu pendant que notre équipe de soutien examine le dossier.' }),
    dispute_resolved: (p, f) => {
      const refund = f.price(p.refundCents ?? 0);
      const bodies = {
        release: {
          buyer: `Le soutien a tranché en faveur du vendeur${colon} le paiement lui est versé.`,
          seller: `Le soutien a tranché en votre faveur${colon} votre versement est en route.`,
        },
        refund: {
          buyer: `Le soutien a tranché en votre faveur${colon} ${refund} vous sont remboursés.`,
          seller: 'Le soutien a remboursé l’acheteur en totalité.',
        },
        partial_refund: {
          buyer: `Le soutien vous a remboursé ${refund}.`,
          seller: `Le soutien a remboursé ${refund} à l’acheteur${NBSP}; le reste vous est versé, moins les frais.`,
        },
      };
      return { title: 'Votre litige a été résolu', body: bodies[p.resolution][p.side] };
    },
    chargeback_decided: (p) => ({
      title: 'La rétrofacturation a été tranchée',
      body: p.sellerWon
        ? `L’émetteur de la carte a tranché en faveur du vendeur${colon} le paiement est versé.`
        : `L’émetteur de la carte a tranché en faveur de l’acheteur${colon} le paiement est remboursé.`,
    }),
    new_message: (p) => ({ title: 'Nouveau message', body: p.preview }),
    staff_message: (p) => ({ title: 'Message du soutien Biddt', body: p.preview }),
    meetup_reminder: (p) => ({
      title: 'Rappel de rendez-vous',
      body: `Votre rendez-vous est ${p.lead === '2h' ? 'dans 2 heures' : 'dans 15 minutes'}${p.placeName ? ` à ${p.placeName}, ${p.placeAddress}` : ''}.`,
    }),
    meetup_zone_closed: (p) => ({
      title: 'Choisissez un autre lieu de rendez-vous',
      body: `${p.placeName} n’est plus une zone sûre Biddt${colon} votre ${p.accepted ? 'rendez-vous' : 'proposition de rendez-vous'} ne peut pas y avoir lieu. Proposez un autre lieu.`,
    }),
    listing_taken_down: (p) => ({ title: 'Annonce annulée', body: `${q(p.listingTitle)} a été retiré${colon} ${p.reason}` }),
    listing_cancelled: (p) => ({
      title: 'Annonce annulée',
      body: p.by === 'staff' ? `${q(p.listingTitle)} a été annulé par Biddt.` : `${q(p.listingTitle)} a été annulé par son vendeur.`,
    }),
    rating_received: (p) => ({
      title: 'Vous avez reçu une évaluation',
      body: `Vous avez reçu la note de ${p.score}/5${p.hasComment ? ' avec un commentaire' : ''}. Consultez-la sur votre profil.`,
    }),
    second_chance_offer: (p, f) => ({
      title: 'Une deuxième chance d’acheter',
      body: `Le gagnant de ${q(p.listingTitle)} n’a pas payé. L’article est à vous pour votre mise maximale de ${f.price(p.amountCents)} si vous acceptez d’ici ${f.duration(p.windowSec)}.`,
    }),
    second_chance_declined: (p) => ({
      title: p.how === 'declined' ? 'Offre de deuxième chance refusée' : 'Offre de deuxième chance expirée',
      body: `${p.how === 'declined' ? 'L’enchérisseur suivant a refusé votre offre.' : 'L’enchérisseur suivant n’a pas répondu à temps.'} Vous pouvez remettre l’article en vente.`,
    }),
    followed_seller_listed: (p, f) => ({
      title: 'Du nouveau chez un vendeur que vous suivez',
      body: `${q(p.listingTitle)} vient d’être mis en vente${p.startsAt ? ` (enchères dès le ${f.dateTime(p.startsAt)})` : ''}.`,
    }),
  },
  sms: (body) => `Biddt${colon} ${body}`,
  otp: (p) => `Votre code Biddt est ${p.code}. Il expire dans ${p.minutes} minute${p.minutes === 1 ? '' : 's'}.`,
  units: { day: ['jour', 'jours'], hour: ['heure', 'heures'], minute: ['minute', 'minutes'], second: ['seconde', 'secondes'] },
};
