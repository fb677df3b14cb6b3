// The address bar's place as Preact state: re-renders on go() and on Back/Forward.
import { useEffect, useState } from 'preact/hooks';
import { currentPlace, onPlace, type Place } from './place.js';

/** The current place; the component re-renders whenever it changes. */
export function usePlace(): Place {
  const [place, setPlace] = useState<Place>(currentPlace);
  useEffect(() => onPlace(setPlace), []);
  return place;
}
