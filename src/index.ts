/**
 * The app's entry (package.json "main"): importing a module registers its functions with the
 * Functions host.
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
import './orchestrators/batchMigration';
import './orchestrators/mailboxMigration';
import './activities/migrationActivities';
