/**
 * The app's entry (package.json "main"): importing a function module registers its triggers with
 * the Functions host.
 */
import './functions/batchesApi';
import './functions/batchIntakeBlob';
import './functions/endpointsApi';
