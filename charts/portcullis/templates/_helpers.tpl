{{- define "portcullis.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "portcullis.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "portcullis.serviceAccountName" -}}
{{- .Values.archestra.orchestrator.kubernetes.serviceAccount.name | default "archestra-platform" -}}
{{- end -}}

{{/* The account of the roles that hold no cloud identity (gateway, auth, router): no annotations. */}}
{{- define "portcullis.memberServiceAccountName" -}}
{{- printf "%s-member" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The headless Service every member resolves to find the others. */}}
{{- define "portcullis.clusterService" -}}
{{- printf "%s-cluster" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The Secret with the event bus's TLS material: the one given, or the one the chart makes. */}}
{{- define "portcullis.clusterTlsSecret" -}}
{{- .Values.cluster.tls.existingSecret | default (printf "%s-cluster-tls" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-") -}}
{{- end -}}
