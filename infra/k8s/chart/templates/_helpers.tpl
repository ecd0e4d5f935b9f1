{{- define "weir.fullname" -}}{{ .Release.Name }}-weir{{- end -}}
{{- define "weir.labels" -}}
app.kubernetes.io/name: weir
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}
{{- define "weir.secretName" -}}{{ .Values.existingSecret | default (printf "%s-secrets" (include "weir.fullname" .)) }}{{- end -}}
{{- define "weir.env" -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "weir.secretName" . }}, key: DATABASE_URL } }
- name: WEIR_SECRET_KEY
  valueFrom: { secretKeyRef: { name: {{ include "weir.secretName" . }}, key: WEIR_SECRET_KEY } }
- name: WEIR_RUNTIME
  value: kubernetes
- name: WEIR_K8S_NAMESPACE
  value: {{ .Values.workloadNamespace | quote }}
- name: NODE_ENV
  value: production
{{- end -}}
