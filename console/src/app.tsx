import { NavLink, Navigate, Route, Routes } from 'react-router';
import { isStaff, staffPowersWithheld, useAuth } from './auth';
import { AuditLog } from './screens/audit-log';
import { Categories } from './screens/categories';
import { DisputeDetail } from './screens/dispute-detail';
import { DisputeQueue } from './screens/dispute-queue';
import { Listings } from './screens/listings';
import { MoneyJobs } from './screens/money-jobs';
import { SafeZones } from './screens/safe-zones';
import { SignIn } from './screens/sign-in';
import { UserProfile, Users } from './screens/users';

/** Non-staff are refused after sign-in, with a page that says why and lets them sign out. */
function Refused() {
  const { me, signOut } = useAuth();
  return (
    <main className="centered" aria-labelledby="refused-title">
      <h1 id="refused-title">This console is for Biddt staff</h1>
      {staffPowersWithheld(me) ? (
        <p>
          You are signed in as {me?.displayName ?? me?.phoneNumber}, a <strong>{me?.role}</strong> account that is suspended: it has no
          staff powers until an admin lifts the suspension. Then sign out and in again.
        </p>
      ) : (
        <p>
          You are signed in as {me?.displayName ?? me?.phoneNumber}, a <strong>{me?.role}</strong> account. Only support and admin accounts
          can use the support console. Ask an admin to run <code>npm run grant-role</code> if you should have access.
        </p>
      )}
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </main>
  );
}

/** /users/me failed for a reason other than the session (5xx, network): kept signed in, retrying. */
function Unreachable() {
  const { unreachable, retrying, retry, signOut } = useAuth();
  return (
    <main className="centered" aria-labelledby="unreachable-title">
      <h1 id="unreachable-title">Cannot reach the server</h1>
      <p className="banner error" role="alert">
        {unreachable}
      </p>
      <p>You are still signed in. The console keeps trying and opens where you were as soon as the server answers.</p>
      <button type="button" disabled={retrying} onClick={() => void retry()}>
        {retrying ? 'Retrying…' : 'Retry now'}
      </button>
      <button type="button" className="link" onClick={() => void signOut()}>
        Sign out
      </button>
    </main>
  );
}

function Shell() {
  const { me, signOut } = useAuth();
  const admin = me?.role === 'admin';
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Biddt support</span>
        <nav aria-label="Console sections">
          <NavLink to="/disputes">Disputes</NavLink>
          <NavLink to="/users">Users</NavLink>
          <NavLink to="/listings">Listings</NavLink>
          {admin && <NavLink to="/safe-zones">Safe zones</NavLink>}
          {admin && <NavLink to="/categories">Categories</NavLink>}
          <NavLink to="/money-jobs">Money jobs</NavLink>
          <NavLink to="/audit-log">Audit log</NavLink>
          {admin && (
            <a href="/admin/queues" target="_blank" rel="noreferrer">
              Queues ↗
            </a>
          )}
        </nav>
        <span className="who">
          {me?.displayName ?? me?.phoneNumber} · {me?.role}
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main className="content">
        <Routes>
          <Route path="/" element={<Navigate to="/disputes" replace />} />
          <Route path="/disputes" element={<DisputeQueue />} />
          <Route path="/disputes/:id" element={<DisputeDetail />} />
          <Route path="/users" element={<Users />} />
          <Route path="/users/:id" element={<UserProfile />} />
          <Route path="/listings" element={<Listings />} />
          <Route path="/safe-zones" element={<SafeZones />} />
          <Route path="/categories" element={<Categories />} />
          <Route path="/money-jobs" element={<MoneyJobs />} />
          <Route path="/audit-log" element={<AuditLog />} />
          <Route
            path="*"
            element={
              <p>
                Nothing here. <NavLink to="/disputes">Back to the queue</NavLink>
              </p>
            }
          />
        </Routes>
      </main>
    </div>
  );
}

export function App() {
  const { me, loading, unreachable } = useAuth();
  if (loading)
    return (
      <p className="centered" role="status">
        Loading…
      </p>
    );
  if (!me && unreachable) return <Unreachable />;
  if (!me) return <SignIn />;
  if (!isStaff(me)) return <Refused />;
  return <Shell />;
}
