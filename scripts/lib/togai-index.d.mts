export interface IndexRow {
  /** The API class without its `Api` suffix (`Customers`, `EventIngestion`, ...). */
  readonly area: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly deprecated: boolean;
}

export declare function parseIndex(markdown: string): IndexRow[];
