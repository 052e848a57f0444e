{{- define "emergent.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "emergent.selectorLabels" -}}
app.kubernetes.io/name: emergent-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "emergent.labels" -}}
{{ include "emergent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "emergent.serviceAccountName" -}}
{{- default (include "emergent.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/*
What the operator does in a namespace it watches; one list for the ClusterRole (all namespaces)
and the Role of each watched namespace, so the two modes cannot drift apart.
*/}}
{{- define "emergent.namespacedRules" -}}
# Watch TrainingRuns; delete one whose ttlSecondsAfterFinished has passed; create the runs of a
# ScalingStudy (owned by it, so deleting the study deletes them).
- apiGroups: [emergent.dev]
  resources: [trainingruns]
  verbs: [get, list, watch, create, delete]
# Watch ScalingStudies.
- apiGroups: [emergent.dev]
  resources: [scalingstudies]
  verbs: [get, list, watch]
# Write the status subresources only.
- apiGroups: [emergent.dev]
  resources: [trainingruns/status, scalingstudies/status]
  verbs: [get, patch, update]
# One Indexed Job per stage attempt: created, watched, deleted when the next attempt starts.
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, delete]
# Read the gang's pods (phase, exit codes, termination summaries); never changed by the operator.
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch]
# A run's token Secret, headless Service and NetworkPolicy: created once per run and deleted with
# it by the garbage collector (owner reference); never read back, so no get, list or watch: the
# operator cannot read Secrets it did not write.
- apiGroups: [""]
  resources: [secrets, services]
  verbs: [create]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [create]
# The run's checkpoint claim: created once, read for its binding phase (VolumeNotBound).
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get, create]
# The namespace's ResourceQuotas: a stage's gang is created only when it fits (and a quota
# change wakes the runs that wait for one).
- apiGroups: [""]
  resources: [resourcequotas]
  verbs: [get, list, watch]
# Kueue's Workloads (when a run names a queue): watched for the Admitted condition; a cluster
# without Kueue answers 404, and the run says KueueNotInstalled.
- apiGroups: [kueue.x-k8s.io]
  resources: [workloads]
  verbs: [get, list, watch]
# Events on TrainingRuns; a repeated one is counted up (get, then patch).
- apiGroups: [""]
  resources: [events]
  verbs: [create, get, patch]
{{- end -}}
