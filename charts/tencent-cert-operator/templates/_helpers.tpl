{{/* Chart name, overridable. */}}
{{- define "tencent-cert-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of resource names: the release name, plus the chart name unless it is contained. */}}
{{- define "tencent-cert-operator.fullname" -}}
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

{{- define "tencent-cert-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tencent-cert-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tencent-cert-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tencent-cert-operator.labels" -}}
helm.sh/chart: {{ include "tencent-cert-operator.chart" . }}
{{ include "tencent-cert-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tencent-cert-operator
{{- end }}

{{- define "tencent-cert-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tencent-cert-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tencent-cert-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Leader election is forced on with several replicas: without it they would all reconcile. */}}
{{- define "tencent-cert-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{- end }}
{{- end }}

{{/* Where the projected ServiceAccount token for TKE OIDC is mounted (credentials.tkeOIDC.injectEnv). */}}
{{- define "tencent-cert-operator.oidcTokenDir" -}}
/var/run/secrets/tke.cloud.tencent.com/serviceaccount
{{- end }}

{{/* The watched namespaces, from watchNamespaces and the older watchNamespace, as a JSON list. */}}
{{- define "tencent-cert-operator.watchNamespaces" -}}
{{- $list := list }}
{{- range .Values.watchNamespaces }}{{ $list = append $list . }}{{ end }}
{{- with .Values.watchNamespace }}{{ $list = append $list . }}{{ end }}
{{- $list | uniq | toJson }}
{{- end }}

{{/* The namespaces where ingress Secrets may be written: ingressSecrets.namespaces, else the
watched namespaces; an empty list means every namespace. */}}
{{- define "tencent-cert-operator.ingressSecretNamespaces" -}}
{{- if .Values.ingressSecrets.namespaces }}
{{- .Values.ingressSecrets.namespaces | uniq | toJson }}
{{- else }}
{{- include "tencent-cert-operator.watchNamespaces" . }}
{{- end }}
{{- end }}

{{/* A binding of ClusterRole $role to the operator: cluster-wide when $namespaces is empty,
else a RoleBinding in each namespace. */}}
{{- define "tencent-cert-operator.bind" -}}
{{- $ctx := index . 0 }}{{ $role := index . 1 }}{{ $namespaces := index . 2 }}
{{- $subjects := dict "kind" "ServiceAccount" "name" (include "tencent-cert-operator.serviceAccountName" $ctx) "namespace" $ctx.Release.Namespace }}
{{- if not $namespaces }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ $role }}
  labels:
    {{- include "tencent-cert-operator.labels" $ctx | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $role }}
subjects:
  - {{- toYaml $subjects | nindent 4 }}
{{- else }}
{{- range $namespaces }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ $role }}
  namespace: {{ . }}
  labels:
    {{- include "tencent-cert-operator.labels" $ctx | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {{ $role }}
subjects:
  - {{- toYaml $subjects | nindent 4 }}
{{- end }}
{{- end }}
{{- end }}
