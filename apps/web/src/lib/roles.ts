import { ROLES } from "@weir/domain/rules";
import { roleLabel } from "./format";

export const roleOptions = ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
