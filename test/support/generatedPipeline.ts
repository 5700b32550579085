/**
 * A generated pipeline of `steps` Spark steps, each reading the output of an earlier one (a binary tree of
 * bindings), as the pipeline benchmarks and the size-limit tests use it. About 300 bytes per step.
 */
export function generatedPipeline(steps: number): string {
  const lines = ['type: pipeline', 'display_name: bench', 'jobs:'];
  for (let i = 0; i < steps; i++) {
    lines.push(
      `  step_${i}:`,
      '    type: spark',
      '    code: ./src',
      '    entry:',
      '      file: main.py',
      '    compute: azureml:sparksmall',
    );
    if (i > 0) lines.push('    inputs:', `      data: \${{parent.jobs.step_${Math.floor((i - 1) / 2)}.outputs.out}}`);
    lines.push(
      '    outputs:',
      '      out:',
      '        type: uri_folder',
      '    args: --out ${{outputs.out}}',
      '    conf:',
      '      spark.executor.instances: 2',
    );
  }
  return lines.join('\n') + '\n';
}
