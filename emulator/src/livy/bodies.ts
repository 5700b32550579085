/**
 * Renders job records as the JSON bodies and `x-ms-job-*` headers real Synapse sends (see
 * shared/azure-api/recordings): minimal bodies by default, the full one with `detailed=true`.
 */
import type { JobRecord } from './jobRecord';

/** .NET round-trip form the service uses: 2025-02-24T10:41:45.6711287+00:00. */
export function isoTime(ms: number | null): string | null {
  if (ms === null) {
    return null;
  }
  const iso = new Date(ms).toISOString(); // 2025-02-24T10:41:45.671Z
  return `${iso.slice(0, 23)}0000+00:00`;
}

const UNSET_HEADER_DATE = '1/1/0001 12:00:00 AM +00:00';

/** The headers' M/d/yyyy h:mm:ss tt +00:00 form, in UTC. */
export function headerTime(ms: number | null): string {
  if (ms === null) {
    return UNSET_HEADER_DATE;
  }
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  return (
    `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ` +
    `${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'} +00:00`
  );
}

export function jobHeaders(job: JobRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  if (job.scheduler.scheduledAt !== null) {
    headers['x-ms-job-cluster'] = `${job.baseUrl}/hubservice/api/v1.0/publish/${job.workspace}/${job.pool}`;
  }
  // Recorded sessions never show a cluster request time; batches show it once resources are acquired.
  const clusterRequested = job.kind === 'batch' ? job.plugin.resourceAcquisitionStartedAt : null;
  Object.assign(headers, {
    'x-ms-job-clusterrequested-on': headerTime(clusterRequested),
    'x-ms-job-ended-on': job.scheduler.endedAt === null ? '' : headerTime(job.scheduler.endedAt),
    'x-ms-job-internal-id': String(job.id),
    'x-ms-job-livysubmission-on': headerTime(job.plugin.submissionStartedAt),
    'x-ms-job-queued-on': headerTime(job.plugin.submissionStartedAt),
    'x-ms-job-result': job.result,
    'x-ms-job-scheduled-on': headerTime(job.scheduler.scheduledAt),
    'x-ms-job-scheduler-state': job.scheduler.currentState,
    'x-ms-job-submitted-by-name': job.submitterName,
    'x-ms-job-submitted-on': headerTime(job.scheduler.submittedAt),
    'x-ms-job-type': job.kind === 'session' ? 'SparkServiceSession' : 'SparkServiceBatch',
  });
  return headers;
}

function appInfo(job: JobRecord): Record<string, string | null> | null {
  if (job.appInfoLevel === 'none') {
    return null;
  }
  if (job.appInfoLevel === 'partial') {
    return { driverLogUrl: null, sparkUiUrl: null, isSessionTimedOut: null };
  }
  const app = `${job.kind}s/${job.id}/applications/${job.appId}`;
  const scope = `workspaces/${job.workspace}/sparkpools/${job.pool}/${app}`;
  return {
    sparkUiUrl: `${job.baseUrl}/sparkui/${job.tenantId}/${scope}`,
    impulseErrorCode: null,
    isStreamingQueryExists: 'false',
    impulseClassification: null,
    impulseTsg: null,
    isSessionTimedOut: String(job.timedOut),
    driverLogUrl: `${job.baseUrl}/sparkui/${job.tenantId}/api/v1/${scope}/driverlog/stderr`,
  };
}

/** Synapse's log[]: section markers with the captured lines between them. */
export function logLines(job: JobRecord): string[] | null {
  if (!job.log) {
    return null;
  }
  return ['stdout: ', ...job.log.stdout, '\nstderr: ', ...job.log.stderr, '\nYARN Diagnostics: '];
}

export function minimalBody(job: JobRecord): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: job.id,
    appId: job.appId,
    appInfo: appInfo(job),
    state: job.state,
    log: logLines(job),
  };
  if (job.kind === 'session') {
    body.registeredSources = job.appInfoLevel === 'full' ? ['default'] : null;
  }
  return body;
}

export function detailedBody(job: JobRecord): Record<string, unknown> {
  const livyInfo: Record<string, unknown> = {};
  for (const [key, moment] of Object.entries(job.stateTimes)) {
    livyInfo[key] = isoTime(moment);
  }
  livyInfo.currentState = job.state;
  livyInfo.jobCreationRequest = job.request;
  const { scheduler: s, plugin: p } = job;
  const body: Record<string, unknown> = {
    livyInfo,
    name: job.name,
    workspaceName: job.workspace,
    computeName: job.pool,
    sparkPoolName: job.pool,
    submitterName: job.submitterName,
    submitterId: job.submitterId,
    artifactId: job.artifactId,
    jobType: job.kind === 'session' ? 'SparkSession' : 'SparkBatch',
    result: job.result,
    schedulerInfo: {
      submittedAt: isoTime(s.submittedAt),
      queuedAt: isoTime(s.queuedAt),
      scheduledAt: isoTime(s.scheduledAt),
      endedAt: isoTime(s.endedAt),
      cancellationRequestedAt: isoTime(s.cancellationRequestedAt),
      currentState: s.currentState,
    },
    pluginInfo: {
      preparationStartedAt: isoTime(p.preparationStartedAt),
      resourceAcquisitionStartedAt: isoTime(p.resourceAcquisitionStartedAt),
      submissionStartedAt: isoTime(p.submissionStartedAt),
      monitoringStartedAt: isoTime(p.monitoringStartedAt),
      cleanupStartedAt: isoTime(p.cleanupStartedAt),
      currentState: p.currentState,
    },
  };
  if (job.errorInfo.length > 0) {
    body.errorInfo = job.errorInfo;
  }
  body.tags = job.tags;
  return { ...body, ...minimalBody(job) };
}

export function jobBody(job: JobRecord, detailed: boolean): Record<string, unknown> {
  return detailed ? detailedBody(job) : minimalBody(job);
}
