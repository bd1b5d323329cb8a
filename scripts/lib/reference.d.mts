export declare const copyDir: string;
export declare const sharedDir: string;
export type ReferenceName = 'index' | 'wire-names-production' | 'wire-names-sandbox';
export declare const referenceFiles: Record<ReferenceName, { copy: string; shared: string }>;
export declare function readCopy(name: ReferenceName): string;
export declare function readShared(name: ReferenceName): { path: string; text: string | undefined };
