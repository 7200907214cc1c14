/**
 * The app's entry (package.json "main"): importing a module registers its functions with the
 * Functions host; the orchestrations and activities are registered here, over the composition root.
 */
import './functions/batchesApi';
import './functions/batchIntakeBlob';
import './functions/batchLifecycleApi';
import './functions/dashboard';
import './functions/endpointsApi';
import './functions/mailboxSettingsApi';
import './functions/maintenanceTimers';
import './functions/notificationSender';
import './functions/openApi';
import { getServices } from './compositionRoot';
import { registerDurableFunctions } from './functions/durable/registerDurableFunctions';

registerDurableFunctions(() => getServices().activityDependencies);
