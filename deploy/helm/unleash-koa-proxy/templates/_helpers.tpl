{{/* Names: the release name, with the chart's name when the release's does not contain it. */}}
{{- define "ukp.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ukp.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ukp.labels" -}}
{{ include "ukp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* PROXY_BASE_PATH as the proxy normalises it: a leading slash, no trailing one, "" for none. */}}
{{- define "ukp.basePath" -}}
{{- $path := .Values.basePath | trim | trimSuffix "/" -}}
{{- if and $path (not (hasPrefix "/" $path)) -}}/{{- end -}}{{ $path }}
{{- end -}}

{{- define "ukp.image" -}}
{{- $repository := required "image.repository is required, e.g. ghcr.io/<owner>/unleash-koa-proxy" .Values.image.repository -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The ConfigMap holding plugin files, or "" when no plugin is loaded. */}}
{{- define "ukp.pluginsConfigMap" -}}
{{- if or .Values.plugins.strategies .Values.plugins.enrichers -}}
{{- if .Values.plugins.existingConfigMap -}}
{{- .Values.plugins.existingConfigMap -}}
{{- else if .Values.plugins.files -}}
{{- printf "%s-plugins" (include "ukp.fullname" .) -}}
{{- else -}}
{{- fail "plugins.strategies or plugins.enrichers need plugins.files or plugins.existingConfigMap" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Comma-separated paths under /plugins, checking each file exists when the chart holds them. */}}
{{- define "ukp.pluginPaths" -}}
{{- $root := .root -}}
{{- $paths := list -}}
{{- range .names -}}
{{- if and (not $root.Values.plugins.existingConfigMap) (not (hasKey $root.Values.plugins.files .)) -}}
{{- fail (printf "plugin file %q is not in plugins.files" .) -}}
{{- end -}}
{{- $paths = append $paths (printf "/plugins/%s" .) -}}
{{- end -}}
{{- join "," $paths -}}
{{- end -}}
