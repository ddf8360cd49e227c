import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, biddt, unwrap, type Schemas } from './api';

type Me = Schemas['UserMe'];
interface AuthState {
  me: Me | null;
  loading: boolean;
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

/** Who is signed in: read from /users/me whenever the session has tokens (refreshed as needed). */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const load = async () => {
    if (!biddt().session.current) {
      setMe(null);
      setLoading(false);
      return;
    }
    try {
      setMe(unwrap(await api().GET('/v1/users/me')) as Me);
    } catch {
      await biddt().session.set(null);
      setMe(null);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load();
    return biddt().session.onChange((tokens) => {
      if (!tokens) setMe(null);
    });
  }, []);

  const value: AuthState = {
    me,
    loading,
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
