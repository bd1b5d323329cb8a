// Types for the build-time metadata, so tests can read what the runtime table leaves out.
import type { OperationMetadata } from '../../generated/operations.js';

/** Everything the generator knows about an operation: the runtime fields plus docs-only facts. */
export interface SpecOperation extends OperationMetadata {
  readonly summary: string;
  readonly tag: string | null;
  readonly server: string;
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
  readonly successStatus: number;
}

export declare function collectOperations(bundle: object): Record<string, SpecOperation>;
export declare function deref(bundle: object, node: unknown): any;
export declare const runtimeFields: readonly string[];
export declare function renderOperationsModule(bundle: object): string;
export declare function groupByResource(operations: object): Map<string, Map<string, SpecOperation[]>>;
