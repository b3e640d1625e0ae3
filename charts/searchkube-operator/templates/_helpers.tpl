{{/* Chart name, truncated to a DNS label. */}}
{{- define "searchkube-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: <release>-searchkube-operator, or the release name when it already holds the chart name. */}}
{{- define "searchkube-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "searchkube-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "searchkube-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "searchkube-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "searchkube-operator.labels" -}}
helm.sh/chart: {{ include "searchkube-operator.chart" . }}
{{ include "searchkube-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: searchkube
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "searchkube-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "searchkube-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "searchkube-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
What the operator does in the namespaces it watches, and nothing more. Each rule lists the verbs
the code calls (operator/src; the README's RBAC section maps them to the code):
  - its own kinds: read and watch; finalizers and status by merge patch; finalizers/update lets
    it set blockOwnerDeletion on the objects it owns (OwnerReferencesPermissionEnforcement).
    A SearchDumpSchedule creates its SearchDumps and deletes those beyond its history limits.
  - what an instance owns: read and watch (informers on the searchkube.io/instance label); written
    by server-side apply (patch, and create: an apply that creates the object needs it); PVCs and
    the generated Secret are deleted for deletionPolicy Delete; an upgrade that rolls back
    deletes the StatefulSet it replaces and a pod stuck on the failed version. An upgrade takes
    its pre-upgrade SearchDump (create).
  - pods: read (readiness, pod IP) and delete (above). Events: create, and patch to count repeats.
*/}}
{{- define "searchkube-operator.namespacedRules" -}}
- apiGroups: [searchkube.io]
  resources: [searchinstances]
  verbs: [get, list, watch, patch]
- apiGroups: [searchkube.io]
  resources: [searchinstances/status]
  verbs: [patch]
- apiGroups: [searchkube.io]
  resources: [searchinstances/finalizers]
  verbs: [update]
- apiGroups: [searchkube.io]
  resources: [searchdumps]
  verbs: [get, list, watch, patch, create, delete]
- apiGroups: [searchkube.io]
  resources: [searchdumps/status]
  verbs: [patch]
- apiGroups: [searchkube.io]
  resources: [searchdumpschedules]
  verbs: [get, list, watch]
- apiGroups: [searchkube.io]
  resources: [searchdumpschedules/status]
  verbs: [patch]
- apiGroups: [searchkube.io]
  resources: [searchdumpschedules/finalizers]
  verbs: [update]
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, delete]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end }}

{{/* Leader election: the Lease in the release namespace. */}}
{{- define "searchkube-operator.leaseRules" -}}
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, create, update]
{{- end }}

{{/* Cluster-scoped reads: a claim's StorageClass, to know whether a volume may grow. */}}
{{- define "searchkube-operator.clusterRules" -}}
- apiGroups: [storage.k8s.io]
  resources: [storageclasses]
  verbs: [get]
{{- end }}

{{/* renewDeadline < leaseDuration, as the operator requires (checked here so a bad install fails early). */}}
{{- define "searchkube-operator.validate" -}}
{{- if and .Values.leaderElection.enabled (ge (int .Values.leaderElection.renewDeadline) (int .Values.leaderElection.leaseDuration)) }}
{{- fail "leaderElection.renewDeadline must be shorter than leaderElection.leaseDuration" }}
{{- end }}
{{- if and (not .Values.leaderElection.enabled) (gt (int .Values.replicaCount) 1) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled: two operators without a Lease would both write" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled" }}
{{- end }}
{{- end }}
