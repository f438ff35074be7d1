import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '@luohu/domain';

/** A staff workspace: where it lives, who may open it, its menu label, and its page (loaded when first opened). */
export interface Workspace {
  path: string;
  /** The roles whose menu shows it (the gateway and the chaincode decide again on every call). */
  roles: readonly Role[];
  /** Translation key of its menu label. */
  label: string;
  page: LazyExoticComponent<ComponentType>;
}

const page = <M,>(load: () => Promise<M>, pick: (m: M) => ComponentType) =>
  lazy(() => load().then((m) => ({ default: pick(m) })));

// Staff pages load when first opened: the public pages (a citizen's phone) do not carry them.
/** Every staff workspace, in menu order; a route `<path>/*` each, so a workspace may have pages of its own. */
export const WORKSPACES: readonly Workspace[] = [
  {
    path: '/work',
    roles: ['clerk', 'reviewer', 'director'],
    label: 'nav.work',
    page: page(
      () => import('./pages/WorkQueue'),
      (m) => m.WorkQueue,
    ),
  },
  {
    path: '/apply',
    roles: ['contractor', 'owner'],
    label: 'nav.apply',
    page: page(
      () => import('./pages/ApplyPage'),
      (m) => m.ApplyPage,
    ),
  },
  {
    path: '/contracts',
    roles: ['contractor', 'owner'],
    label: 'contractor.title',
    page: page(
      () => import('./contractor/ContractorWorkspace'),
      (m) => m.ContractorWorkspace,
    ),
  },
  {
    path: '/inspection',
    roles: ['inspector'],
    label: 'inspection.title',
    page: page(
      () => import('./inspection/InspectionWorkspace'),
      (m) => m.InspectionWorkspace,
    ),
  },
  {
    path: '/finance',
    roles: ['finance', 'director'],
    label: 'finance.title',
    page: page(
      () => import('./finance/FinanceWorkspace'),
      (m) => m.FinanceWorkspace,
    ),
  },
  {
    path: '/audit',
    roles: ['auditor'],
    label: 'audit.title',
    page: page(
      () => import('./audit/AuditWorkspace'),
      (m) => m.AuditWorkspace,
    ),
  },
  {
    path: '/dashboard',
    roles: ['director', 'auditor'],
    label: 'dashboard.title',
    page: page(
      () => import('./dashboard/Dashboard'),
      (m) => m.Dashboard,
    ),
  },
  {
    path: '/admin',
    roles: ['admin'],
    label: 'admin.title',
    page: page(
      () => import('./admin/AdminWorkspace'),
      (m) => m.AdminWorkspace,
    ),
  },
];

/** The workspaces a role's menu shows. */
export const workspacesOf = (role: string): Workspace[] => WORKSPACES.filter((w) => w.roles.some((r) => r === role));

/** Where a role starts: its first workspace. */
export const homeOf = (role: string): string => workspacesOf(role)[0]?.path ?? '/public';

/** The project page (any staff role; the gateway's read policy decides what it shows). */
export const ProjectPage = page(
  () => import('./pages/ProjectPage'),
  (m) => m.ProjectPage,
);
