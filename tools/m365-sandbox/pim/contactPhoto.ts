import { GraphError, graphErrors } from '../graphError';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { nowIso } from '../mail/createMessage';
import type { ItemRecord } from '../store/types';

/**
 * A contact's photo (https://learn.microsoft.com/graph/api/profilephoto-update): `PUT` or `PATCH`
 * `…/contacts/{id}/photo/$value` with the binary photo and "Content-Type: image/jpeg. Required."; 200 OK.
 * "The size of the photo you can update to must be under 8 MB. Due to the current limit of 4 MB on the
 * total size of each REST request, the size of the photo you can add is also limited to 4 MB": the 4 MB
 * request limit answers 413 before the handler runs (http/readBody.ts). Guesses: another Content-Type, or
 * bytes that are not a JPEG, get 400 `ErrorInvalidRequest` (no page shows Graph's answer); dimensions are
 * not checked (the page lists the sizes Exchange keeps, not sizes it refuses).
 */
export function writeContactPhoto(req: SandboxRequest, contact: ItemRecord): void {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'image/jpeg') {
    throw new GraphError(400, 'ErrorInvalidRequest', `The photo must be sent with Content-Type image/jpeg, not '${contentType || '(none)'}'.`);
  }
  const size = jpegSize(req.body);
  if (!size) throw new GraphError(400, 'ErrorInvalidRequest', 'The photo is not a valid JPEG image.');
  contact.photo = { contentType: 'image/jpeg', base64: req.body.toString('base64'), width: size.width, height: size.height };
  contact.lastModifiedDateTime = nowIso();
}

/**
 * `GET …/photo` answers the profilePhoto's metadata (https://learn.microsoft.com/graph/api/resources/profilephoto:
 * id, height, width), `GET …/photo/$value` the bytes (https://learn.microsoft.com/graph/api/profilephoto-get).
 * A contact without a photo: 404 `ErrorItemNotFound` (guess: the page shows only users' `ImageNotFound`).
 */
export function readContactPhoto(req: SandboxRequest, contact: ItemRecord, value: boolean): SandboxResponse {
  const photo = contact.photo;
  if (!photo) throw graphErrors.notFound(`photo of contact ${contact.id}`);
  if (value) return { status: 200, raw: { contentType: photo.contentType, body: Buffer.from(photo.base64, 'base64') } };
  return {
    status: 200,
    json: {
      '@odata.context': `${req.graphBaseUrl}/$metadata#users('')/contacts('${contact.id}')/photo/$entity`,
      '@odata.mediaContentType': photo.contentType,
      '@odata.mediaEtag': `W/"${Buffer.from(contact.lastModifiedDateTime).toString('base64')}"`,
      id: `${photo.width ?? 0}X${photo.height ?? 0}`,
      width: photo.width,
      height: photo.height,
    },
  };
}

/** Width and height from a JPEG's start-of-frame segment (ITU T.81, B.2.2), or undefined for bytes that are not a JPEG. */
export function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    const length = bytes.readUInt16BE(offset + 2);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame && offset + 9 <= bytes.length) return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  return undefined;
}
