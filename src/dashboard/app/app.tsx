import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type AlertList, api, type IdentityList, type Overview, setReadingIdentity } from './api.js';
import { ErrorBoundary, Message } from './components.js';
import { READ_AS_STORAGE_KEY, readerFor } from './readAs.js';
import { hrefOf, type Location, parseLocation, type Route } from './route.js';
import { classifySearch, NUMBER_NAMESPACE, SEARCH_HINT } from './search.js';
import { usePoll } from './usePoll.js';
import { AlertsView } from './views/alerts.js';
import { BlockList, BlockPageView } from './views/blocks.js';
import { CertificatesView } from './views/certificates.js';
import { ChartsView } from './views/charts.js';
import { KeyHistoryView } from './views/keyHistory.js';
import { OverviewView } from './views/overview.js';
import { TransactionPage } from './views/transaction.js';

const TABS: readonly { view: Route['view']; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'blocks', label: 'Blocks' },
  { view: 'history', label: 'Key history' },
  { view: 'charts', label: 'Live charts' },
  { view: 'certificates', label: 'Certificates' },
  { view: 'alerts', label: 'Alerts' },
];

function useLocation(): Location {
  const [loc, setLoc] = useState(() => parseLocation(window.location.hash));
  useEffect(() => {
    const onChange = () => setLoc(parseLocation(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return loc;
}

function storedReader(): string | undefined {
  try {
    return window.localStorage.getItem(READ_AS_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function storeReader(label: string): void {
  try {
    window.localStorage.setItem(READ_AS_STORAGE_KEY, label);
  } catch {
    // private browsing: the pick lasts for this page only
  }
}

function SearchBox(props: { channel: string | undefined; initial: string }) {
  const [text, setText] = useState(props.initial);
  useEffect(() => setText(props.initial), [props.initial]);
  return (
    <search>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = hrefOf({ view: 'search', query: text }, props.channel);
        }}
      >
        <input
          type="search"
          name="q"
          aria-label="Search by block number, transaction id or key"
          placeholder="block #, txid, +49… or key"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

/** Resolves a search: moves on to what it found, or says why the text is not searchable. */
function SearchView(props: { query: string; channel: string; namespaces: readonly string[] }) {
  const defaultNs = props.namespaces.includes(NUMBER_NAMESPACE)
    ? NUMBER_NAMESPACE
    : (props.namespaces[0] ?? '');
  const result = classifySearch(props.query, defaultNs);
  const target = 'route' in result ? hrefOf(result.route, props.channel) : undefined;
  useEffect(() => {
    if (target) window.location.replace(target);
  }, [target]);
  if ('error' in result)
    return (
      <section aria-labelledby="search-title">
        <h2 id="search-title">Search</h2>
        <Message kind="error">
          <span data-testid="search-error">{result.error}</span>
        </Message>
        <p class="muted">{SEARCH_HINT}</p>
      </section>
    );
  return <p class="muted">Searching…</p>;
}

function Page(props: { route: Route; channel: string; namespaces: readonly string[] }) {
  const { route, channel } = props;
  switch (route.view) {
    case 'overview':
      return <OverviewView channel={channel} />;
    case 'blocks':
      return route.from === undefined ? (
        <BlockList channel={channel} />
      ) : (
        <BlockList channel={channel} from={route.from} />
      );
    case 'block':
      return <BlockPageView channel={channel} number={route.number} />;
    case 'tx':
      return <TransactionPage channel={channel} txId={route.txId} />;
    case 'history':
      return route.namespace !== undefined && route.key !== undefined ? (
        <KeyHistoryView channel={channel} namespace={route.namespace} keyText={route.key} />
      ) : (
        <KeyHistoryView channel={channel} />
      );
    case 'charts':
      return <ChartsView channel={channel} />;
    case 'certificates':
      return <CertificatesView />;
    case 'alerts':
      return <AlertsView />;
    case 'search':
      return <SearchView query={route.query} channel={channel} namespaces={props.namespaces} />;
    case 'invalid':
      return (
        <Message kind="error">
          <span data-testid="route-error">{route.message}</span>{' '}
          <a href={hrefOf({ view: 'overview' }, channel)}>Back to the overview</a>.
        </Message>
      );
  }
}

/** The dashboard: header with channel, search and tabs, then the page the URL fragment names. */
export function App() {
  const loc = useLocation();
  const overview = usePoll<Overview>(api.overview(), 10_000);
  const alerts = usePoll<AlertList>(api.alerts(), 5000);
  const channels = overview.data?.channels.map((c) => c.name) ?? [];
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const channel = loc.channel ?? picked ?? channels[0];
  const namespaces =
    overview.data?.channels.find((c) => c.name === channel)?.contracts.map((c) => c.name) ?? [];
  const active = loc.route.view === 'block' ? 'blocks' : loc.route.view === 'tx' ? 'blocks' : loc.route.view;
  const alertCount = alerts.data?.alerts.filter((a) => a.severity !== 'info').length ?? 0;
  const unknownChannel = overview.data !== undefined && channel !== undefined && !channels.includes(channel);
  const identities = usePoll<IdentityList>(api.identities(), 60_000).data?.identities ?? [];
  const [pickedReader, setPickedReader] = useState<string | undefined>(storedReader);
  const channelOrgs = overview.data?.channels.find((c) => c.name === channel)?.orgs ?? [];
  const reader = readerFor(identities, channelOrgs, pickedReader);
  // Set before the page renders, so its first requests already carry the identity.
  setReadingIdentity(reader);

  let body: ComponentChildren;
  if (unknownChannel) {
    body = (
      <Message kind="error">
        <span data-testid="route-error">
          There is no channel {JSON.stringify(channel)}; channels: {channels.join(', ') || '(none)'}.
        </span>
      </Message>
    );
  } else if (channel === undefined) {
    body = overview.error ? (
      <Message kind="error">
        The gateway did not give its channels: {overview.error.message} ({overview.error.code})
      </Message>
    ) : (
      <p class="muted">Loading…</p>
    );
  } else {
    body = (
      <ErrorBoundary key={`${window.location.hash}|${reader ?? ''}`}>
        <Page route={loc.route} channel={channel} namespaces={namespaces} />
      </ErrorBoundary>
    );
  }

  return (
    <>
      <header class="top">
        <h1>
          <a class="brand" href={hrefOf({ view: 'overview' }, channel)}>
            Consortia
          </a>
        </h1>
        <label class="channel">
          Channel{' '}
          <select
            value={channel ?? ''}
            onChange={(e) => {
              const next = (e.target as HTMLSelectElement).value;
              setPicked(next);
              window.location.hash = hrefOf(
                loc.route.view === 'invalid' ? { view: 'overview' } : loc.route,
                next,
              );
            }}
          >
            {channels.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label class="channel">
          Read as{' '}
          <select
            name="read-as"
            value={reader ?? ''}
            title="Blocks, transactions and key history are read as this identity; its org must be a member of the channel."
            onChange={(e) => {
              const next = (e.target as HTMLSelectElement).value;
              storeReader(next);
              setPickedReader(next);
            }}
          >
            {reader === undefined && <option value="">(no member identity)</option>}
            {identities
              .filter((i) => channelOrgs.includes(i.mspId))
              .map((i) => (
                <option key={i.label} value={i.label}>
                  {i.label}
                </option>
              ))}
          </select>
        </label>
        <SearchBox channel={channel} initial={loc.route.view === 'search' ? loc.route.query : ''} />
      </header>
      <nav class="tabs" aria-label="Views">
        {TABS.map((t) => (
          <a
            key={t.view}
            href={hrefOf({ view: t.view } as Route, channel)}
            class={active === t.view ? 'active' : ''}
            aria-current={active === t.view ? 'page' : undefined}
          >
            {t.label}
            {t.view === 'alerts' && alertCount > 0 && <span class="count">{alertCount}</span>}
          </a>
        ))}
      </nav>
      <main>{body}</main>
      <footer class="muted small">
        Read-only view of the ledger and its nodes. It never asks for or holds a private key.
      </footer>
    </>
  );
}
