{{/*
The Secret's keys. The long-running processes never get MIGRATE_DATABASE_URL (the
owner's credentials): only the migration Job's hook Secret carries it.
*/}}
{{- define "folio.secretData" -}}
{{- $s := .Values.secret -}}
DJANGO_SECRET_KEY: {{ required "secret.djangoSecretKey (or secret.existingSecret) is required" $s.djangoSecretKey | quote }}
AUDIT_ANCHOR_KEY: {{ required "secret.auditAnchorKey is required" $s.auditAnchorKey | quote }}
DATABASE_URL: {{ required "secret.databaseUrl is required" $s.databaseUrl | quote }}
CACHE_URL: {{ required "secret.cacheUrl is required" $s.cacheUrl | quote }}
CHANNEL_LAYER_URL: {{ $s.channelLayerUrl | default $s.cacheUrl | quote }}
CELERY_BROKER_URL: {{ required "secret.celeryBrokerUrl is required" $s.celeryBrokerUrl | quote }}
{{- with $s.emailUrl }}
EMAIL_URL: {{ . | quote }}
{{- end }}
{{- with $s.sentryDsn }}
SENTRY_DSN: {{ . | quote }}
{{- end }}
{{- with $s.metricsToken }}
METRICS_TOKEN: {{ . | quote }}
{{- end }}
{{- with $s.jwtSigningKey }}
JWT_SIGNING_KEY: {{ . | quote }}
{{- end }}
{{- range $name, $value := $s.extra }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}
