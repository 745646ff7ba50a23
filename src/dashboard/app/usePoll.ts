import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson } from './api.js';

/** The latest answer of a polled endpoint, or the error of the latest attempt. */
export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
}

/**
 * GETs `path` now and then every `intervalMs` (0: once) while the component is shown. A new
 * `path` starts over; answers to an older path are dropped. `path` undefined fetches nothing.
 *
 * @example
 * const { data, error } = usePoll<Overview>(api.overview(), 2000);
 */
export function usePoll<T>(path: string | undefined, intervalMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: path !== undefined });
    if (path === undefined) return undefined;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const data = await getJson<T>(path, controller.signal);
        if (!controller.signal.aborted) setState({ data, error: undefined, loading: false });
      } catch (err) {
        if (controller.signal.aborted) return;
        const error =
          err instanceof ApiError ? err : new ApiError('CLIENT_ERROR', `The page failed: ${String(err)}`, 0);
        setState((s) => ({ data: s.data, error, loading: false }));
      }
      if (!controller.signal.aborted && intervalMs > 0) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [path, intervalMs]);
  return state;
}
