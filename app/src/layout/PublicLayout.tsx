import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { Frame } from './Frame';

/** The public pages' frame (no sign-in): links to the public home and to the staff sign-in. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Frame
      header={
        <>
          <NavLink to="/public" style={{ color: '#fff' }}>
            {t('public.title')}
          </NavLink>
          <NavLink to="/sign-in" style={{ color: '#fff' }}>
            {t('public.staff')}
          </NavLink>
        </>
      }
    >
      {children}
    </Frame>
  );
}
