import { Component, type ComponentChildren } from 'preact';
import type { ApiError } from './api.js';

/** A message box: an error (role alert), a warning or a note. */
export function Message(props: { kind: 'error' | 'warning' | 'info'; children: ComponentChildren }) {
  return (
    <div class={`message message-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** An error the gateway answered with (or a failure to reach it), in plain words. */
export function ErrorMessage(props: { error: ApiError }) {
  return (
    <Message kind="error">
      {props.error.message} <span class="code">({props.error.code})</span>
    </Message>
  );
}

/** What a polled view shows before its first answer, or after a failed one. */
export function Loading(props: { error: ApiError | undefined; what: string }) {
  if (props.error) return <ErrorMessage error={props.error} />;
  return <p class="muted">Loading {props.what}…</p>;
}

/** A coloured label: ok, warning, alert, or neutral. */
export function Badge(props: { tone: 'ok' | 'warning' | 'alert' | 'neutral'; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

/** A validation code as a badge: VALID green, anything else red. */
export function CodeBadge(props: { code: string }) {
  return <Badge tone={props.code === 'VALID' ? 'ok' : 'alert'}>{props.code}</Badge>;
}

/** The first characters of a hash or id, with the whole value as a tooltip. */
export function Short(props: { value: string | null | undefined; length?: number }) {
  const v = props.value ?? '';
  const n = props.length ?? 12;
  return (
    <code title={v} class="short">
      {v.length > n ? `${v.slice(0, n)}…` : v || '—'}
    </code>
  );
}

/** A JSON value, pretty-printed. */
export function Json(props: { value: unknown }) {
  let text: string;
  try {
    text = JSON.stringify(props.value, null, 2) ?? 'undefined';
  } catch {
    text = String(props.value);
  }
  return <pre class="json">{text}</pre>;
}

/** A timestamp as local time, with the ISO text as a tooltip. */
export function Time(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  const d = new Date(props.iso);
  if (Number.isNaN(d.getTime())) return <span>{props.iso}</span>;
  return (
    <time dateTime={props.iso} title={props.iso}>
      {d.toLocaleString()}
    </time>
  );
}

interface BoundaryState {
  readonly error: Error | undefined;
}

/**
 * Catches a rendering failure of its children and shows a message instead of a blank page.
 * Give it a `key` per page so that another page starts without the error.
 */
export class ErrorBoundary extends Component<{ children: ComponentChildren }, BoundaryState> {
  override state: BoundaryState = { error: undefined };

  static override getDerivedStateFromError(error: unknown): BoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <Message kind="error">
          This page could not be shown: {this.state.error.message}. Try another page or reload.
        </Message>
      );
    }
    return this.props.children;
  }
}
