/**
 * What this browser remembers between visits: the signed session token (same
 * identity across reloads and tabs) and the display name last chosen. Storage
 * can be unavailable (private windows, blocked cookies): then nothing is kept
 * and the board still works for the length of the visit.
 */
const TOKEN_KEY = 'board.session-token';
const NAME_KEY = 'board.display-name';

/**
 * This tab's copy: with storage denied (an embed whose host's visitors block
 * third-party storage) the session still lasts as long as the tab, across reconnects.
 */
const tabCopy = new Map<string, string>();

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? tabCopy.get(key) ?? null;
  } catch {
    return tabCopy.get(key) ?? null;
  }
}

function write(key: string, value: string): void {
  tabCopy.set(key, value);
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // Storage refused (quota, privacy mode): remembering is a convenience, not a requirement.
  }
}

export const loadToken = () => read(TOKEN_KEY) ?? undefined;
export const saveToken = (token: string) => write(TOKEN_KEY, token);
export const forgetToken = () => {
  tabCopy.delete(TOKEN_KEY);
  try {
    globalThis.localStorage?.removeItem(TOKEN_KEY);
  } catch {
    // Nothing kept, nothing to forget.
  }
};
export const loadName = () => read(NAME_KEY);
export const saveName = (name: string) => write(NAME_KEY, name);
