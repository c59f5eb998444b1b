/** The signed-in user's tokens, kept in localStorage so a reload stays signed in. */
export type Role = 'resident' | 'leader' | 'partner' | 'ops';

export interface Session {
  userId: string;
  phone: string;
  roles: Role[];
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

const KEY = 'linli.session';
type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

export const session = {
  get: (): Session | null => current,
  set(next: Session | null): void {
    current = next;
    if (next) localStorage.setItem(KEY, JSON.stringify(next));
    else localStorage.removeItem(KEY);
    for (const listener of listeners) listener(next);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
