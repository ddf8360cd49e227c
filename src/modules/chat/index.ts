/** Public surface of the chat module. */
export { postStaffMessage } from './staff-messages';
export { listMessages, postMessage } from './messages';
export { canJoinTransactionRoom, canPostTransactionMessage, isParty, transactionFor } from './chat.policy';
export { presentMessage, type PresentedMessage } from './chat.presenter';
