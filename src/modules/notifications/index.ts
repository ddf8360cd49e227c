/** Public surface of the notifications module: in-app notifications, push devices, and their delivery. */

/** Delivering one notification (the `notification.send` job): in-app row, socket event, push, SMS. */
export { sendNotification, sendNotifications, type SendDeps } from './send-notification';

/** The types that are also texted (SPEC §7), subject to the user's preferences; a user's preferences (SPEC §9 export). */
export { preferencesOf, SMS_TYPES } from './preferences';

/** How a notification is shown to its recipient (also the socket `notification` event's payload). */
export { presentNotification } from './notifications.presenter';

/** A user's notifications and devices for export, and deleted by the purge of a deleted account (SPEC §9). */
export { deleteNotificationDataOf, devicesOfUser, eraseMessagePreviews, notificationsOfUser } from './account-data.repository';
/** Signing out of a session unregisters the push tokens it registered (logout); deleting the account, all of them. */
export { deleteDevicesOf, deleteSessionDevices } from './devices.repository';
/** Registering a push token, in the transaction that holds its session open (flows/device-registration.ts). */
export { upsertDevice, type DeviceRow } from './devices.repository';

/** SMS opt-out (Twilio STOP/START): send-code refuses an opted-out phone rather than text it (SPEC §9). */
export { isSmsOptedOut, optOutPhone as recordSmsOptOut } from './sms-opt-outs.repository';
export { smsOptedOut } from './sms-opt-out';

/** Texts in the user's language: the sign-in code SMS (the notifications render their own). */
export { otpText, formattersFor, renderText } from './templates/render';
