import { randomUUID } from 'node:crypto';

// A chat photo is stored under `chat/<transaction id>/<random id>.<extension>`, and its message holds
// the URL storage answered, which ends with that key whatever the storage (disk or S3).

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PHOTO_KEY_AT_END = new RegExp(`(chat/${UUID}/${UUID}\\.[a-z]+)$`);

/** A new, unguessable storage key for a photo posted to a transaction's chat. */
export const newChatPhotoKey = (transactionId: string, extension: string): string => `chat/${transactionId}/${randomUUID()}.${extension}`;

/** The storage keys of the photos among `messages` (image messages whose URL is one of ours). */
export function chatPhotoKeysOf(messages: ReadonlyArray<{ type: string; content: string }>): string[] {
  const keys: string[] = [];
  for (const message of messages) {
    if (message.type !== 'image') continue;
    const key = PHOTO_KEY_AT_END.exec(pathOf(message.content))?.[1];
    if (key) keys.push(key);
  }
  return keys;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}
