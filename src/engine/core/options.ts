/**
 * A user-settable option of a registered component (proxy, strategy, space):
 * the registry entry declares it, menus and the CLI help are built from it,
 * and the component reads its default from the same object. Same shape as
 * the catalog's `CatalogOption` (src/shared/schemas.ts).
 */
export interface OptionSpec {
  key: string
  label: string
  description: string
  type: 'int' | 'number' | 'boolean' | 'string' | 'enum'
  /** the paper's default */
  default: unknown
  min?: number
  max?: number
  /** the value must be a multiple of this */
  multipleOf?: number
  choices?: { value: string | number; label: string }[]
}
