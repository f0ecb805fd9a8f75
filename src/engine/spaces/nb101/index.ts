export * from './cell'
export * from './hash'
export * from './network'
export * from './space'
