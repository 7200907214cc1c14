import { addDirectoryRoutes } from './directory/directoryRoutes';
import { Router } from './http/router';
import { addAttachmentRoutes } from './mail/attachmentRoutes';
import { addMailFolderRoutes } from './mail/mailFolderRoutes';
import { addMessageRoutes } from './mail/messageRoutes';
import { addSendMailRoute } from './mail/sendMailRoute';
import { addCalendarRoutes } from './pim/calendarRoutes';
import { addContactRoutes } from './pim/contactRoutes';
import type { TenantStore } from './store/tenantStore';

/** Every Graph v1.0 resource the sandbox serves, one module per resource group (`$batch` is added by the caller). */
export function createGraphRouter(store: TenantStore, origin: () => string): Router {
  const router = new Router();
  addDirectoryRoutes(router, store);
  addMailFolderRoutes(router, store);
  addMessageRoutes(router, store);
  addAttachmentRoutes(router, store, origin);
  addSendMailRoute(router, store);
  addContactRoutes(router, store);
  addCalendarRoutes(router, store, origin);
  return router;
}
