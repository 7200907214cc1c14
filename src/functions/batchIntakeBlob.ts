import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../compositionRoot';
import { startIfWanted } from './durable/startIfWanted';
import { logEvent } from './logging/functionLog';

/**
 * A CSV dropped into the intake container becomes a batch, or gets `<name>.errors.csv` beside it.
 * The trigger's own copy of the content is not used: the service reads the blob with its ETag and
 * metadata, so a re-fired trigger for a blob already taken in finds nothing to do.
 */
export async function batchIntakeBlob(_content: unknown, context: InvocationContext): Promise<void> {
  const blobName = blobNameOf(context);
  const outcome = await getServices().blobIntake.takeIn(blobName, new Date().toISOString());
  switch (outcome.kind) {
    case 'ignored':
      logEvent(context, 'info', `Intake: ${blobName} ignored: ${outcome.reason}.`, { blob: blobName });
      return;
    case 'created':
      logEvent(
        context,
        'info',
        `Intake: ${blobName} became batch ${outcome.batch.id} with ${outcome.batch.mailboxCount} mailboxes; kept as ${outcome.processedAs} without passwords.`,
        { blob: blobName, batchId: outcome.batch.id, mailboxes: outcome.batch.mailboxCount },
      );
      await startIfWanted(context, outcome.batch);
      return;
    case 'rejected':
      logEvent(context, 'warn', `Intake: ${blobName} rejected with ${outcome.errors.length} error(s); see ${outcome.errorsBlob}.`, {
        blob: blobName,
        errors: outcome.errors.length,
      });
  }
}

/** The blob's path inside the container, from the trigger's `{name}` binding data. */
function blobNameOf(context: InvocationContext): string {
  const name = context.triggerMetadata?.name;
  if (typeof name !== 'string' || name === '') throw new Error('The blob trigger gave no blob name.');
  return name;
}

// Flex Consumption runs blob triggers only from Event Grid (the Flex Consumption plan page): Azure delivers
// BlobCreated events of the intake container to the host's blobs webhook (infra/app/eventgrid.bicep);
// the devhost does the same locally (tools/devhost/eventgrid).
app.storageBlob('batchIntakeBlob', {
  path: '%MIGRATION_INTAKE_CONTAINER%/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid',
  extraInputs: [df.input.durableClient()],
  handler: batchIntakeBlob,
});
