import { ConsortiaError } from '../common/index.js';

type Detail = Record<string, unknown>;

/** Endorsement failed: no set of endorsers satisfying the policy returned a success. */
export class EndorseError extends ConsortiaError {
  readonly transactionId: string;
  constructor(code: string, message: string, transactionId: string, detail?: Detail) {
    super(code, message, { ...detail, transactionId });
    this.name = 'EndorseError';
    this.transactionId = transactionId;
  }
}

/** The orderer refused the transaction or could not be reached. */
export class SubmitError extends ConsortiaError {
  readonly transactionId: string;
  constructor(code: string, message: string, transactionId: string, detail?: Detail) {
    super(code, message, { ...detail, transactionId });
    this.name = 'SubmitError';
    this.transactionId = transactionId;
  }
}

/** The commit status could not be obtained (for example a timeout). */
export class CommitStatusError extends ConsortiaError {
  readonly transactionId: string;
  constructor(code: string, message: string, transactionId: string, detail?: Detail) {
    super(code, message, { ...detail, transactionId });
    this.name = 'CommitStatusError';
    this.transactionId = transactionId;
  }
}

/** The transaction was ordered but peers marked it invalid; `code` is its validation code. */
export class CommitError extends ConsortiaError {
  readonly transactionId: string;
  readonly blockNumber: number;
  constructor(validationCode: string, transactionId: string, blockNumber: number) {
    super(
      validationCode,
      `transaction ${transactionId} was committed in block ${blockNumber} as invalid: ${validationCode}`,
      {
        transactionId,
        blockNumber,
        validationCode,
      },
    );
    this.name = 'CommitError';
    this.transactionId = transactionId;
    this.blockNumber = blockNumber;
  }
}
