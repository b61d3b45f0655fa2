-- 014_order_key_at_load.sql - the loader writes order_key with the resident's row (D98).
--
-- `kigen load` computes the key of banchi and address2 (batch/common/order_key.c, the
-- run's own function) and writes it in the same COPY or upsert as the row, so a loaded
-- resident no longer waits for the run's refresh (a million-row UPDATE on a city's first
-- night). The trigger of sql/011 reset the key whenever banchi or address2 changed, which
-- would throw the loader's key away: it now resets it only when the key was not supplied
-- with the change (the update left it as it was: a DBA's UPDATE of an address). The run
-- still fills every NULL key (batch/run/order_key.c). A change whose new key happens to
-- equal the old one is reset too, and refilled by the run with the same value.

DROP TRIGGER residents_order_key_reset ON kigen.residents;
CREATE TRIGGER residents_order_key_reset
    BEFORE UPDATE OF banchi, address2 ON kigen.residents FOR EACH ROW
    WHEN ((NEW.banchi IS DISTINCT FROM OLD.banchi OR NEW.address2 IS DISTINCT FROM OLD.address2)
          AND NEW.order_key IS NOT DISTINCT FROM OLD.order_key)
    EXECUTE FUNCTION kigen.residents_order_key_reset();
