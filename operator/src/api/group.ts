// The API group and version of every Searchkube kind, and the label and finalizer names the
// operator puts on objects. These names are public contract (DESIGN.md): users select on them.
export const GROUP = 'searchkube.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** On everything created for an instance; its value is the SearchInstance's name. */
export const INSTANCE_LABEL = `${GROUP}/instance`;
/** On SearchDumps created by a schedule (used by the schedule controller, a later issue). */
export const SCHEDULE_LABEL = `${GROUP}/schedule`;
/** Held on a SearchInstance until its deletionPolicy has been carried out. */
export const INSTANCE_FINALIZER = `${GROUP}/instance-cleanup`;
/** Field manager of every server-side apply and status patch the operator makes. */
export const FIELD_MANAGER = 'searchkube-operator';
