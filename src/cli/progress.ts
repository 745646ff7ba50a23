/**
 * A one-line progress indicator on stderr for long work (verify, replays). It redraws in place
 * on a terminal and prints nothing when stderr is not one, so logs stay clean.
 */
export class Progress {
  readonly #label: string;
  readonly #tty = process.stderr.isTTY === true;
  #last = 0;

  constructor(label: string) {
    this.#label = label;
  }

  update(text: string): void {
    if (!this.#tty) return;
    const now = Date.now();
    if (now - this.#last < 100) return;
    this.#last = now;
    process.stderr.write(`\r\x1b[2K${this.#label}: ${text}`);
  }

  done(): void {
    if (this.#tty) process.stderr.write('\r\x1b[2K');
  }
}
