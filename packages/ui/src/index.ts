export { cn } from "./cn.ts";
export { Button, type ButtonProps } from "./button.tsx";
export { Spinner } from "./spinner.tsx";
export { TextField, SelectField, type TextFieldProps, type SelectFieldProps } from "./field.tsx";
export { Dialog, ConfirmDialog, type DialogProps, type ConfirmDialogProps } from "./dialog.tsx";
export { PageHeader, Card, CardHeader, EmptyState, Badge, type BadgeTone } from "./layout.tsx";
export { Table, Th, Td } from "./table.tsx";
