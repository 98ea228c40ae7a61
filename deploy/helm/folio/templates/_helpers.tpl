{{/* Names and labels. */}}
{{- define "folio.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "folio.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "folio.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "folio.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: include "folio.selector" (list . "web"). */}}
{{- define "folio.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "folio.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "folio.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "folio.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "folio.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "folio.secretName" -}}
{{- .Values.secret.existingSecret | default (include "folio.fullname" .) -}}
{{- end -}}

{{- define "folio.probeHost" -}}
{{- .Values.probeHost | default (first (splitList "," .Values.config.allowedHosts) | trim | trimPrefix ".") -}}
{{- end -}}

{{/*
The non-secret environment, one NAME: value per line (the ConfigMap's data, and the
migration Job's env, which runs before the ConfigMap exists).
*/}}
{{- define "folio.config" -}}
DJANGO_SETTINGS_MODULE: config.settings.production
ALLOWED_HOSTS: {{ required "config.allowedHosts is required" .Values.config.allowedHosts | quote }}
CSRF_TRUSTED_ORIGINS: {{ .Values.config.csrfTrustedOrigins | quote }}
FOLIO_BASE_URL: {{ .Values.config.baseUrl | quote }}
FRONTEND_BASE_URL: {{ .Values.config.frontendBaseUrl | quote }}
FRONTEND_BASE_URLS: {{ .Values.config.frontendBaseUrls | quote }}
FRONTEND_PREVIEW_URL: {{ .Values.config.frontendPreviewUrl | quote }}
CORS_ALLOWED_ORIGINS: {{ .Values.config.corsAllowedOrigins | quote }}
DEFAULT_FROM_EMAIL: {{ .Values.config.defaultFromEmail | quote }}
SECURE_SSL_REDIRECT: {{ .Values.config.secureSslRedirect | toString | quote }}
SECURE_COOKIES: {{ .Values.config.secureCookies | toString | quote }}
LOG_FORMAT: {{ .Values.config.logFormat | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
FORWARDED_ALLOW_IPS: {{ .Values.config.forwardedAllowIps | quote }}
AUDIT_ANCHOR_FILE: {{ .Values.config.auditAnchorFile | quote }}
PROMETHEUS_MULTIPROC_DIR: {{ .Values.config.prometheusMultiprocDir | quote }}
{{- with .Values.config.metricsAllowedIps }}
METRICS_ALLOWED_IPS: {{ . | quote }}
{{- end }}
{{- if .Values.frontCache.enabled }}
{{- $cache := printf "%s-front-cache" (include "folio.fullname" .) }}
{{- $urls := list }}
{{- range $i := until (int .Values.frontCache.replicas) }}
{{- $urls = append $urls (printf "http://%s-%d.%s-pods:8080" $cache $i $cache) }}
{{- end }}
FRONT_CACHE_PURGE_URLS: {{ join "," $urls | quote }}
{{- else }}
FRONT_CACHE_PURGE_URLS: ""
{{- end }}
{{- range $name, $value := .Values.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Pod-level settings shared by every process. */}}
{{- define "folio.podSpec" -}}
serviceAccountName: {{ include "folio.serviceAccountName" . }}
{{ include "folio.podSecurity" . }}
{{- end -}}

{{/* The part the migration Job shares too: it runs before this release's ServiceAccount
exists (pre-install), so it keeps the namespace's default one, without a token. */}}
{{- define "folio.podSecurity" -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{/* envFrom for the long-running processes: the ConfigMap, then the Secret. */}}
{{- define "folio.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "folio.fullname" . }}
  - secretRef:
      name: {{ include "folio.secretName" . }}
{{- end -}}

{{/* Writable folders under a read-only root filesystem. */}}
{{- define "folio.volumeMounts" -}}
volumeMounts:
  - {name: tmp, mountPath: /tmp}
  - {name: prometheus, mountPath: {{ .Values.config.prometheusMultiprocDir }}}
  - {name: presence, mountPath: /app/var/presence}
  - {name: celery, mountPath: /app/var/celery}
  - {name: media, mountPath: /app/var/media}
  - {name: anchors, mountPath: {{ dir .Values.config.auditAnchorFile }}}
{{- end -}}

{{- define "folio.volumes" -}}
volumes:
  - {name: tmp, emptyDir: {}}
  - {name: prometheus, emptyDir: {}}
  - {name: presence, emptyDir: {}}
  - {name: celery, emptyDir: {}}
  {{- if .Values.persistence.media.existingClaim }}
  - name: media
    persistentVolumeClaim:
      claimName: {{ .Values.persistence.media.existingClaim }}
  {{- else }}
  - {name: media, emptyDir: {}}
  {{- end }}
  {{- if .Values.persistence.anchors.existingClaim }}
  - name: anchors
    persistentVolumeClaim:
      claimName: {{ .Values.persistence.anchors.existingClaim }}
  {{- else }}
  - {name: anchors, emptyDir: {}}
  {{- end }}
{{- end -}}

{{/* nodeSelector, tolerations and affinity of one component's values. */}}
{{- define "folio.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* HTTP probes: liveness on /health/live/, readiness on /health/ready/. */}}
{{- define "folio.httpProbes" -}}
startupProbe:
  httpGet:
    path: /health/live/
    port: http
    httpHeaders: [{name: Host, value: {{ include "folio.probeHost" . | quote }}}]
  periodSeconds: 5
  failureThreshold: 30
livenessProbe:
  httpGet:
    path: /health/live/
    port: http
    httpHeaders: [{name: Host, value: {{ include "folio.probeHost" . | quote }}}]
  periodSeconds: 15
  timeoutSeconds: 5
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: {{ .Values.readinessPath }}
    port: http
    httpHeaders: [{name: Host, value: {{ include "folio.probeHost" . | quote }}}]
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* Roll the pods when their configuration or secret changes. */}}
{{- define "folio.checksums" -}}
checksum/config: {{ include "folio.config" . | sha256sum }}
{{- if not .Values.secret.existingSecret }}
checksum/secret: {{ include "folio.secretData" . | sha256sum }}
{{- end }}
{{- end -}}
