#!/bin/sh
# azd postdeploy: subscribes the app's blob trigger to the storage account's BlobCreated events (Flex
# Consumption runs blob triggers only from Event Grid). The webhook needs the blobs_extension system key,
# which exists only once the deployed app has started, so this runs after the deployment, not in Bicep.
# DRY_RUN=1 runs `az deployment group what-if` instead of creating the subscription.
set -eu
group=$(azd env get-value AZURE_RESOURCE_GROUP)
app=$(azd env get-value AZURE_FUNCTION_APP_NAME)
topic=$(azd env get-value AZURE_EVENTGRID_TOPIC_NAME)

key=""
attempt=0
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  key=$(az functionapp keys list --resource-group "$group" --name "$app" --query systemKeys.blobs_extension --output tsv 2>/dev/null || true)
  [ -n "$key" ] || { attempt=$((attempt + 1)); sleep 10; }
done
if [ -z "$key" ]; then
  echo "The app $app has no blobs_extension key after 5 minutes: is batchIntakeBlob deployed and the app running?" >&2
  exit 1
fi
host=$(az functionapp show --resource-group "$group" --name "$app" --query defaultHostName --output tsv)
endpoint="https://$host/runtime/webhooks/blobs?functionName=Host.Functions.batchIntakeBlob&code=$key"
verb=create
[ "${DRY_RUN:-}" = "1" ] && verb=what-if
az deployment group "$verb" --resource-group "$group" --name batch-intake-events \
  --template-file infra/eventSubscription.bicep \
  --parameters systemTopicName="$topic" webhookEndpoint="$endpoint"
