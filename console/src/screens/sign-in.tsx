import { useState, type FormEvent } from 'react';
import { api, biddt, fieldErrors, problemText, unwrap } from '../api';
import { useAuth } from '../auth';
import { ErrorBanner, Field } from '../field';

const E164 = /^\+[1-9]\d{6,14}$/;

/** Phone OTP sign-in: send the code, then verify it (the api's test phones work in development). */
export function SignIn() {
  const { signedIn } = useAuth();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const sendCode = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!E164.test(phone)) return setErrors({ phoneNumber: 'Enter the number in international form, e.g. +15555550198' });
    setBusy(true);
    try {
      unwrap(await api().POST('/v1/auth/phone/send-code', { body: { phoneNumber: phone } }));
      setErrors({});
      setSent(true);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  const verify = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^\d{6}$/.test(code)) return setErrors({ code: 'The code has 6 digits' });
    setBusy(true);
    try {
      await biddt().signInWithPhone(phone, code);
      await signedIn();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered card" aria-labelledby="signin-title">
      <h1 id="signin-title">Biddt support console</h1>
      <ErrorBanner error={error} />
      {!sent ? (
        <form onSubmit={sendCode} noValidate>
          <Field
            label="Phone number"
            name="phoneNumber"
            type="tel"
            autoComplete="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value.trim())}
            error={errors.phoneNumber}
            autoFocus
          />
          <button type="submit" disabled={busy}>
            Send code
          </button>
        </form>
      ) : (
        <form onSubmit={verify} noValidate>
          <p>We texted a 6-digit code to {phone}.</p>
          <Field
            label="Code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value.trim())}
            error={errors.code}
            autoFocus
          />
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <button type="button" className="link" onClick={() => setSent(false)}>
            Use another number
          </button>
        </form>
      )}
    </main>
  );
}
