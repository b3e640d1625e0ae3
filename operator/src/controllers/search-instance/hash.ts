import { GROUP } from '../../api/group.ts';

/** Hash of what the operator last applied to an object (see kube/apply.ts). */
export const HASH_ANNOTATION = `${GROUP}/applied-hash`;
