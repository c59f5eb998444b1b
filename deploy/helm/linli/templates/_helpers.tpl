{{/*
Names. Resource names are "<fullname>-<service>"; fullname is the release name unless overridden.
*/}}
{{- define "linli.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "linli.fullname" -}}
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

{{/* Name of one service's resources. Call with (dict "root" $ "name" $name). */}}
{{- define "linli.serviceFullname" -}}
{{- printf "%s-%s" (include "linli.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "linli.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every resource. */}}
{{- define "linli.labels" -}}
helm.sh/chart: {{ include "linli.chart" . }}
app.kubernetes.io/name: {{ include "linli.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: linli
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "name" $name). */}}
{{- define "linli.selectorLabels" -}}
app.kubernetes.io/name: {{ include "linli.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* All labels of one service's resources. Call with (dict "root" $ "name" $name). */}}
{{- define "linli.serviceLabels" -}}
{{ include "linli.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "linli.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "linli.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "linli.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Name of the development Secret created when secrets.create is true. */}}
{{- define "linli.devSecretName" -}}
{{- printf "%s-dev-secrets" (include "linli.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "linli.serviceEnabled" -}}
{{- if ne .enabled false }}true{{ end -}}
{{- end -}}

{{/*
Merges .src into .dst in place: maps merge key by key, everything else (lists, scalars,
false, 0) replaces, and a null removes the key. Sprig's mergeOverwrite is not used
because it skips false/0/empty overrides.
*/}}
{{- define "linli.deepMerge" -}}
{{- $dst := .dst -}}
{{- range $key, $value := .src -}}
{{- if kindIs "invalid" $value -}}
{{- $_ := unset $dst $key -}}
{{- else if and (kindIs "map" $value) (kindIs "map" (index $dst $key)) -}}
{{- include "linli.deepMerge" (dict "dst" (index $dst $key) "src" $value) -}}
{{- else -}}
{{- $_ := set $dst $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Effective settings of one service: `defaults` with the service's own keys merged over it.
Returns YAML; use with fromYaml. Call with (dict "root" $ "name" $name).
*/}}
{{- define "linli.serviceConfig" -}}
{{- $own := index .root.Values.services .name | default dict -}}
{{- $merged := deepCopy .root.Values.defaults -}}
{{- include "linli.deepMerge" (dict "dst" $merged "src" (omit (deepCopy $own) "enabled" "database")) -}}
{{- if ge (int $merged.preStopSleepSeconds) (int $merged.terminationGracePeriodSeconds) -}}
{{- fail (printf "services.%s: preStopSleepSeconds (%v) must be shorter than terminationGracePeriodSeconds (%v)" .name $merged.preStopSleepSeconds $merged.terminationGracePeriodSeconds) -}}
{{- end -}}
{{- if and $merged.autoscaling.enabled (gt (int $merged.autoscaling.minReplicas) (int $merged.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s: autoscaling.minReplicas is above maxReplicas" .name) -}}
{{- end -}}
{{- toYaml $merged -}}
{{- end -}}

{{/*
Where a secret value comes from. Call with (dict "root" $ "ref" <existingSecret/key map> "devKey" <key>).
With secrets.create the chart's own Secret is used under devKey.
*/}}
{{- define "linli.secretKeyRef" -}}
{{- if .root.Values.secrets.create -}}
name: {{ include "linli.devSecretName" .root }}
key: {{ .devKey }}
{{- else -}}
name: {{ required "an existingSecret name is required when secrets.create is false" .ref.existingSecret }}
key: {{ required "a Secret key is required" .ref.key }}
{{- end -}}
{{- end -}}

{{/* Key of a service's DATABASE_URL inside the development Secret. */}}
{{- define "linli.devDatabaseKey" -}}
{{- printf "DATABASE_URL_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* DATABASE_URL of a database-owning service. Call with (dict "root" $ "name" $name). */}}
{{- define "linli.databaseEnv" -}}
{{- $own := index .root.Values.services .name -}}
{{- if $own.database }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "linli.secretKeyRef" (dict "root" .root "ref" $own.database "devKey" (include "linli.devDatabaseKey" .name)) | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Secret environment of one service. Call with (dict "root" $ "name" $name). */}}
{{- define "linli.secretEnv" -}}
{{- include "linli.databaseEnv" . }}
{{- if or (eq .name "gateway") (eq .name "identity") }}
- name: AUTH_TOKEN_SECRET
  valueFrom:
    secretKeyRef:
      {{- include "linli.secretKeyRef" (dict "root" .root "ref" .root.Values.secrets.authToken "devKey" "AUTH_TOKEN_SECRET") | nindent 6 }}
{{- end }}
{{- if or (eq .name "orders") (eq .name "local-services") }}
- name: PAYMENT_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      {{- include "linli.secretKeyRef" (dict "root" .root "ref" .root.Values.secrets.paymentWebhook "devKey" "PAYMENT_WEBHOOK_SECRET") | nindent 6 }}
{{- end }}
{{- end -}}

{{/*
Non-secret environment of one service (the ConfigMap's data). Chart-managed keys win over
`env`. Call with (dict "root" $ "name" $name "cfg" <effective settings>).
*/}}
{{- define "linli.configData" -}}
{{- $values := .root.Values -}}
{{- $data := dict
  "SERVICE_NAME" .name
  "NATS_URL" $values.nats.url
  "LOG_LEVEL" .cfg.logLevel
  "HEALTH_PORT" "9090"
-}}
{{- with $values.otel.endpoint }}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" . -}}
{{- end }}
{{- if eq .name "gateway" }}
{{- $_ := set $data "HTTP_PORT" "3000" -}}
{{- $_ := set $data "CORS_ORIGINS" (join "," $values.config.gateway.corsOrigins) -}}
{{- $_ := set $data "RATE_LIMIT_PER_MINUTE_CLIENT" (toString $values.config.gateway.rateLimitPerMinuteClient) -}}
{{- $_ := set $data "RATE_LIMIT_PER_MINUTE_USER" (toString $values.config.gateway.rateLimitPerMinuteUser) -}}
{{- $_ := set $data "TRUST_PROXY" (toString (default false $values.config.gateway.trustProxy)) -}}
{{- else if eq .name "identity" }}
{{- $_ := set $data "SMS_ADAPTER" $values.config.identity.smsAdapter -}}
{{- $_ := set $data "WECHAT_ADAPTER" $values.config.identity.wechatAdapter -}}
{{- else if eq .name "orders" }}
{{- $_ := set $data "PAYMENT_PROVIDER" $values.config.orders.paymentProvider -}}
{{- end }}
{{- $data = merge $data (.cfg.env | default dict) -}}
{{- range $key := keys $data | sortAlpha }}
{{ $key }}: {{ index $data $key | toString | quote }}
{{- end }}
{{- end -}}
