import { useState } from 'preact/hooks';
import { api, type CertificateReport, type CertificateStatus } from '../api.js';
import { Badge, Loading, Message, Short, Time } from '../components.js';
import { usePoll } from '../usePoll.js';

const TONE: Record<CertificateStatus, 'ok' | 'warning' | 'alert' | 'neutral'> = {
  ok: 'ok',
  expiring: 'warning',
  expired: 'alert',
  revoked: 'alert',
  'not-yet-valid': 'warning',
  unreadable: 'alert',
};

function daysText(days: number | null, status: CertificateStatus): string {
  if (days === null) return '—';
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
  if (days === 0) return status === 'expired' ? 'expired today' : 'expires today';
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** Every identity and node certificate sorted by expiry, with the CRLs and revoked serials. */
export function CertificatesView() {
  const { data, error } = usePoll<CertificateReport>(api.certificates(), 30_000);
  const [onlyProblems, setOnlyProblems] = useState(false);
  if (!data) return <Loading error={error} what="certificates" />;
  const count = (s: CertificateStatus) => data.certificates.filter((c) => c.status === s).length;
  const shown = onlyProblems ? data.certificates.filter((c) => c.status !== 'ok') : data.certificates;
  return (
    <section aria-labelledby="certs-title">
      <h2 id="certs-title">Certificates</h2>
      {error && <Message kind="warning">Showing the last answer: {error.message}</Message>}
      <div class="summary">
        <div class="stat">
          <span class="stat-label">Certificates</span>
          <span class="stat-value">{data.certificates.length}</span>
        </div>
        <div class="stat">
          <span class="stat-label">Expired</span>
          <Badge tone={count('expired') > 0 ? 'alert' : 'ok'}>{count('expired')}</Badge>
        </div>
        <div class="stat">
          <span class="stat-label">Expiring within {data.warnDays} days</span>
          <Badge tone={count('expiring') > 0 ? 'warning' : 'ok'}>{count('expiring')}</Badge>
        </div>
        <div class="stat">
          <span class="stat-label">Revoked</span>
          <Badge tone={count('revoked') > 0 ? 'alert' : 'neutral'}>{count('revoked')}</Badge>
        </div>
      </div>
      <label class="inline">
        <input type="checkbox" checked={onlyProblems} onChange={() => setOnlyProblems(!onlyProblems)} /> only
        certificates that need attention
      </label>
      <table class="grid" aria-label="Certificates by expiry">
        <thead>
          <tr>
            <th>Status</th>
            <th>Expires</th>
            <th>Left</th>
            <th>Org</th>
            <th>Name</th>
            <th>Kind / role</th>
            <th>Serial</th>
            <th>File</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr
              key={`${c.source}|${c.serial}`}
              class={`cert-${c.status}`}
              data-testid={`cert-${c.org}-${c.name}`}
              data-status={c.status}
            >
              <td>
                <Badge tone={TONE[c.status]}>{c.status === 'expiring' ? 'expiring soon' : c.status}</Badge>
              </td>
              <td>
                <Time iso={c.notAfter} />
              </td>
              <td>{daysText(c.daysLeft, c.status)}</td>
              <td>{c.org}</td>
              <td>{c.name}</td>
              <td>
                {c.kind}
                {c.role && c.role !== c.kind ? ` / ${c.role}` : ''}
              </td>
              <td>
                <Short value={c.serial} />
              </td>
              <td class="small">
                {c.source}
                {c.error && <div class="muted">{c.error}</div>}
                {c.revokedAt && (
                  <div>
                    revoked <Time iso={c.revokedAt} />
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Certificate revocation lists</h3>
      {data.crls.length === 0 ? (
        <p class="muted">No channel configuration carries a CRL.</p>
      ) : (
        <table class="grid" aria-label="CRLs">
          <thead>
            <tr>
              <th>Org</th>
              <th>Channels</th>
              <th>Issuer</th>
              <th>Number</th>
              <th>Issued</th>
              <th>Next update</th>
              <th>Revoked serials</th>
            </tr>
          </thead>
          <tbody>
            {data.crls.map((c) => (
              <tr key={c.sha256}>
                <td>{c.mspId}</td>
                <td>{c.channels.join(', ')}</td>
                <td class="small">{c.issuer}</td>
                <td>{c.crlNumber ?? '—'}</td>
                <td>
                  <Time iso={c.thisUpdate} />
                </td>
                <td>
                  <Time iso={c.nextUpdate} />
                </td>
                <td>
                  {c.error ? (
                    <span class="muted">{c.error}</span>
                  ) : (
                    c.revokedSerials.map((s) => (
                      <div key={s}>
                        <Short value={s} length={20} />
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Revoked serials</h3>
      {data.revokedSerials.length === 0 ? (
        <p class="muted">No certificate is revoked.</p>
      ) : (
        <table class="grid" aria-label="Revoked serials">
          <thead>
            <tr>
              <th>Org</th>
              <th>Serial</th>
              <th>Revoked</th>
              <th>Reason</th>
              <th>Holder</th>
              <th>In a channel CRL</th>
            </tr>
          </thead>
          <tbody>
            {data.revokedSerials.map((r) => (
              <tr key={`${r.mspId}/${r.serial}`}>
                <td>{r.mspId}</td>
                <td>
                  <Short value={r.serial} length={20} />
                </td>
                <td>
                  <Time iso={r.revokedAt} />
                </td>
                <td>{r.reason ?? '—'}</td>
                <td>{r.holder ?? '—'}</td>
                <td>
                  {r.published ? (
                    <Badge tone="ok">published</Badge>
                  ) : (
                    <Badge tone="warning">not yet: update the channel config</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
