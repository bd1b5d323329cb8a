export interface ChangedOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
}

export interface ApiChange {
  readonly type: 'breaking' | 'non-breaking';
  /** The schema property (`Invoice.pricePlanId`), parameter or model the change is about, when it is about one. */
  readonly subject?: string;
  readonly what: string;
  readonly operations: ChangedOperation[];
}

export declare function apiChanges(before: unknown, after: unknown): ApiChange[];
export declare function formatChange(change: ApiChange, options?: { maxOperations?: number }): string;
export declare function formatReport(changes: ApiChange[], options?: { heading?: string }): string[];
