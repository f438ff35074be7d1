/** Luohu's boundary, cut from the package at build time by vite/luohu-boundary.ts (the shape of DistrictBoundary). */
declare module 'virtual:luohu-boundary' {
  const boundary: { name: string; rings: [number, number][][] };
  export default boundary;
}
