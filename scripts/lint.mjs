// npm run lint: Redocly's lint of the spec with the project's rules (redocly.yaml), one line per finding.
import { lintProblems, runScript, SpecProblemsError } from './lib/redocly.mjs';

await runScript(async () => {
  const problems = await lintProblems();
  if (problems.length > 0) throw new SpecProblemsError(problems);
  console.log('spec lint: no problems');
});
