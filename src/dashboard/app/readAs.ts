/** Choosing the identity the dashboard reads a channel as. */

export interface ReaderChoice {
  readonly label: string;
  readonly mspId: string;
}

/** Where the dashboard remembers the identity picked by hand. */
export const READ_AS_STORAGE_KEY = 'consortia.readAs';

/**
 * The identity to read a channel as: the one picked by hand when its org is a member of the
 * channel, else an admin of a member org, else any identity of a member org, else none (the
 * gateway then answers IDENTITY_REQUIRED and the views say so).
 *
 * @example
 * readerFor([{ label: 'TelcoA.admin', mspId: 'TelcoA' }], ['TelcoA', 'TelcoB'], undefined); // 'TelcoA.admin'
 */
export function readerFor(
  identities: readonly ReaderChoice[],
  channelOrgs: readonly string[],
  picked: string | undefined,
): string | undefined {
  const members = identities.filter((i) => channelOrgs.includes(i.mspId));
  if (picked !== undefined && members.some((i) => i.label === picked)) return picked;
  return (members.find((i) => i.label.endsWith('.admin')) ?? members[0])?.label;
}
