/** Public surface of the chat module (a transaction's messages and read receipts). */

/** Who may join a transaction's room, read and post in its chat (SPEC §6). */
export { canJoinTransactionRoom, canPostTransactionMessage, isParty, transactionFor, type TransactionParties } from './chat.policy';
/** Posting, paging, following live (`join_chat`) and read receipts. */
export { joinChat, listMessages, markMessagesRead, postMessage } from './messages';
export { chatRepository } from './chat.repository';
export { presentMessage, type PresentedMessage } from './chat.presenter';
export { MAX_MESSAGE_CHARS, MessageContent, MessageSchema, PostMessageBody } from './chat.schemas';
/** Staff messages to the parties of a disputed transaction. */
export { postStaffMessage } from './staff-messages';

/** A user's messages for export, and their text and photos erased by the purge of a deleted account (SPEC §9). */
export { ERASED_MESSAGE, eraseMessagesBySender, messagesBySender } from './account-messages.repository';
export { chatPhotoKeysOf } from './photo-keys';
