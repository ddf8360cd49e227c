import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, BiddtApiError, biddt, problemText, unwrap, type Schemas } from './api';

type Me = Schemas['UserMe'];
interface AuthState {
  me: Me | null;
  loading: boolean;
  /** Why /users/me could not be read (a 5xx, the network): the session is kept and the read retried. */
  unreachable: string | null;
  /** A read of /users/me is under way while unreachable. */
  retrying: boolean;
  retry(): Promise<void>;
  signedIn(): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/**
 * Staff screens follow the session's role, not the account's: a suspended support or admin account
 * signs in to a session that acts as a plain user, and every staff call would answer 403.
 */
export const isStaff = (me: Me | null) => me?.sessionRole === 'support' || me?.sessionRole === 'admin';

/** An account whose staff role this session does not carry: it is suspended. */
export const staffPowersWithheld = (me: Me | null) => (me?.role === 'support' || me?.role === 'admin') && !isStaff(me);

/**
 * Only the server's verdict on this session ends it: 401 (the client has already tried the refresh),
 * 403 `account_deleted`, 404 the account is gone. A 5xx, a 429 or a network error says nothing about
 * the session — signing out then would throw away a staff member's session over a deploy or a blip.
 */
const sessionRefused = (err: unknown) => err instanceof BiddtApiError && [401, 403, 404].includes(err.status);

/** Automatic retries while the server cannot be reached: 2 s, 4 s, 8 s … at most 30 s apart. */
const retryDelayMs = (attempt: number) => Math.min(2_000 * 2 ** attempt, 30_000);

/** Who is signed in: read from /users/me whenever the session has tokens (refreshed as needed). */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [unreachable, setUnreachable] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const [retrying, setRetrying] = useState(false);

  const load = async () => {
    if (!biddt().session.current) {
      setMe(null);
      setUnreachable(null);
      setLoading(false);
      return;
    }
    setRetrying(true);
    try {
      setMe(unwrap(await api().GET('/v1/users/me')) as Me);
      setUnreachable(null);
      setFailures(0);
    } catch (err) {
      if (sessionRefused(err)) {
        await biddt().session.set(null);
        setMe(null);
        setUnreachable(null);
      } else {
        setUnreachable(problemText(err));
        setFailures((n) => n + 1);
      }
    } finally {
      setRetrying(false);
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
    return biddt().session.onChange((tokens) => {
      if (!tokens) {
        setMe(null);
        setUnreachable(null);
      }
    });
  }, []);

  // Keeps trying on its own while unreachable; each failure (a new count) schedules the next try.
  useEffect(() => {
    if (!unreachable) return;
    const timer = setTimeout(() => void load(), retryDelayMs(failures - 1));
    return () => clearTimeout(timer);
  }, [unreachable, failures]);

  const value: AuthState = {
    me,
    loading,
    unreachable,
    retrying,
    retry: load,
    signedIn: load,
    async signOut() {
      await biddt()
        .signOut()
        .catch(() => biddt().session.set(null));
      setMe(null);
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
