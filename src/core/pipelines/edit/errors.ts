/** An edit that cannot be made (unknown step, name taken, would create a cycle, ...). */
export class PipelineEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineEditError';
  }
}
